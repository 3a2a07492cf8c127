"""The rules of pushes the dialogs owe: when reminders and polls are due, quiet hours, how a push
reads when it is sent, and the periodic housekeeping that owes some of them."""
