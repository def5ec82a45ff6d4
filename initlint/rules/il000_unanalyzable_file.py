from .base import Rule


class UnanalyzableFile(Rule):
    """
    ## What it does
    Reports a file that initlint could not analyze: a syntax error (including Python 2 code),
    bytes that are not valid in the file's encoding, null bytes or binary content, or code nested
    too deeply to parse.

    ## Why is this bad
    A file that cannot be analyzed is a file whose initialization bugs go unnoticed. The rest of the
    run goes on: every other file is still analyzed.

    ## Example
    ```python
    print "hello"
    ```

    ## Use instead
    ```python
    print("hello")
    ```

    ## Fix safety
    There is no automatic fix.

    ## References
    - [PEP 263: source code encodings](https://peps.python.org/pep-0263/)
    """

    code = "IL000"
    name = "unanalyzable-file"
    severity = "error"

    def check(self, site):  # reported by the engine, never from facts
        return ()
