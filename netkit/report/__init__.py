"""Reports: findings and reachability as text, JSON, SARIF, Markdown, graphs and HTML."""
