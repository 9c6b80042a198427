-- How much of each task's and occupation's work needs presence on site, judged after every import from what
-- the work is (guild_extraction::presence): its tasks' work activities, read through the tasks
-- nearest in meaning, and the occupations nearest in skills and knowledge. `remote` is how surely
-- the whole occupation can be done remotely; `basis` says what the judgement rests on.
CREATE TABLE occupation_presence (
    occupation TEXT PRIMARY KEY,
    onsite REAL NOT NULL,
    remote REAL NOT NULL,
    basis TEXT NOT NULL
);

-- Each task's on-site share: that of the tasks nearest to it in meaning (itself among them).
-- A client's task is judged from its similar tasks' shares.
CREATE TABLE task_presence (
    task TEXT PRIMARY KEY,
    onsite REAL NOT NULL
);
