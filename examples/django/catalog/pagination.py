from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """100 records a page by default; ?page_size= up to 500."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
