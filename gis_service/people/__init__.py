"""People (not scripts): passwords, sign-in sessions with CSRF tokens, throttling, the shell."""
