import os

os.environ.setdefault("DJANGO_DEBUG", "1")
