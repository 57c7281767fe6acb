"""Weekly and monthly reports (周调度、月回头, issue 14): content, figures, HTML, XLSX, PDF."""
