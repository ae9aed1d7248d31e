from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class KeyCursorPagination(CursorPagination):
    """Pages of ``page_size`` rows (50, at most 500) in a fixed order, with links to the
    next and previous page. A cursor stays valid while rows are added, unlike a page
    number. A cursor that was not made by the API is a 400, not a 404."""

    ordering = "key"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error


class NewestFirstPagination(KeyCursorPagination):
    ordering = ("-date", "-created_at", "-key")
