"""Pure text functions: normalisation, the hashtag grammar and the clip text format."""
