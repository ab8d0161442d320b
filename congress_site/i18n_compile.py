"""`python -m congress_site.i18n_compile`: compile the message catalogs."""

from .i18n import compile_catalogs

if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path}")
