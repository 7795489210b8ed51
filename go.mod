module goaccel

go 1.26
