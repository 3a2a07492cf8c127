"""Channel adapters: each translates its platform's updates to Incoming and Replies back."""
