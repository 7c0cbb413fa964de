"""The briefing's views: the HTML page and the Markdown summary.  They format and escape the
sections' data; they compute nothing."""
