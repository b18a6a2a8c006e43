"""The presentation layer: charts, escaped Markdown and tables, headline figures and source lists."""
