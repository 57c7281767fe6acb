"""The leadership large screen (/screen, issue 13): its data, page, kiosk links and file."""
