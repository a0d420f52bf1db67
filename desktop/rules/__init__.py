"""Pure domain rules: no Qt, no database, no file or network I/O.

Everything here can be tested with a handful of dates.
"""
