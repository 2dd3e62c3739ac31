"""The course service: the one server of record.

It alone holds the course secret, the item banks and the tracking store. Learners' kernels
send it every answer with a token that says who they are; it checks, seals and keeps each one,
draws and closes test papers, scores them provisionally, hands them in to nbgrader, takes the
assessors' results back, and serves the course home and dashboards to whoever is signed in.

    identity.py   who is asking, and what they may see (roles from the store and the hub)
    tokens.py     the credentials it issues in the embedded set-up (hashes only are kept)
    auth.py       one tornado mixin: Host check, then a token or the signed cookie (JupyterHub
                  OAuth is the next step: the hub issue)
    records.py    the learner's authoritative record: appends sealed and chained, idempotent
    sittings.py   test attempts: resit policy, the paper, submit, the provisional result
    handin.py     a submitted attempt as an nbgrader submission in the exchange's inbound
    results.py    assessors' results and feedback into the store
    handlers.py   the HTTP API and pages
    app.py        the tornado application and how it is started
    client.py     the other side: what a kernel or an assessor's command calls
"""
