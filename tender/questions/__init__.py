"""Questions and answers (spørsmål og svar): vendors ask before the questions deadline, the group answers
everyone at the same moment, the asker anonymised (issue 13, point 2)."""
