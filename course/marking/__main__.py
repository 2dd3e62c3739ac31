"""``python -m course.marking`` is ``odp mark``."""

from course.cli.marking import command

if __name__ == "__main__":
    command(prog_name="odp mark")
