"""The results engine: pure functions on arrays, no Django (the layer check in `make lint`
enforces it). `scoring` is the readable reference for one person and one group;
`vectorised` applies the same rules to a whole response matrix; `compute` turns a
response matrix into every figure a measurement may show (with `stats`, `tree` and the
anonymity rules in `suppression`, whose oracle is `audit`); `rows` flattens the outcome
into records; `columns` says which engine columns a question gives. The app's builder
(`trivsel.results.build`) and the command-line `score_file` both call `compute`."""
