"""Records and settings shared by every stage: Article, Mention, ArticleExtraction, ids, paths."""
