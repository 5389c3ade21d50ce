"""What a trainer uses in the room: the browser app, notebook widgets and printable documents."""
