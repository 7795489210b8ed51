raise ImportError("this application cannot be imported")
