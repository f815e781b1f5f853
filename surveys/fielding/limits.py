"""How much one sync may carry: checked before anything is parsed further or any logic runs.

The limits are generous for real interviews (a long questionnaire has a few hundred
questions) and small enough that no request can tie up a worker or the database.
"""

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a whole batch, as sent
MAX_INTERVIEWS_PER_BATCH = 200
MAX_ANSWERS = 1000  # answers outside repeats, in one interview
MAX_REPEAT_SECTIONS = 50  # repeat sections answered in one interview
MAX_REPEAT_ITEMS = 100  # items of one repeat section
MAX_ANSWERS_PER_ITEM = 200  # answers in one item of a repeat
MAX_CHOICES = 200  # choices in one select-multiple or ranking answer
# One stored answer, in UTF-8 bytes. PostgreSQL indexes the answer text (the primary key),
# and an index entry must stay under about 2,700 bytes; 2,000 leaves room for the key.
MAX_ANSWER_BYTES = 2000
MAX_NAME_LENGTH = 200  # a question or section name
MAX_NOTES = 50
MAX_NOTE_LENGTH = 5000
MAX_STOP_NOTE_LENGTH = 2000
