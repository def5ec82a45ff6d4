from .base import Rule


class UnanalyzableFile(Rule):
    """
    ## What it does
    Reports a file that initlint could not analyze.

    The causes are a syntax error (Python 2 code too), bytes that are not valid in the file's
    encoding, null bytes or other binary content, code nested too deeply to parse, and a file over
    the size limit. Should a rule itself fail on a file, that is reported here as an internal error.

    ## Why is this bad
    A file that cannot be analyzed is a file whose initialization bugs go unnoticed. Reporting it
    means no run passes silently; the rest of the run goes on, and every other file is still
    analyzed.

    ## Example
    ```python
    print "hello"
    ```

    ## Use instead
    ```python
    print("hello")
    ```

    ## Fix safety
    There is no automatic fix: what the file should say is for its author to decide.

    ## Options
    None. This rule is always on: `select`, `ignore` and `per-file-ignores` cannot turn it off.

    ## References
    - [PEP 263: Defining Python Source Code Encodings](https://peps.python.org/pep-0263/) (2001)
    - [PEP 3120: Using UTF-8 as the default source encoding](https://peps.python.org/pep-3120/) (2007)
    """

    code = "IL000"
    name = "unanalyzable-file"
    severity = "error"

    def check(self, site):  # reported by the engine, never from facts
        return ()
