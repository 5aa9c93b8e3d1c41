"""Two phases whose weights come from the command line, for comparing two profiles of one program:
work.py PARSE RENDER runs for about 1.5 s, calling parse() PARSE times and render() RENDER times per round."""
import sys
import time


def parse(n):
    total = 0
    for k in range(n):
        total += int(str(k))
    return total


def render(n):
    cells = []
    for k in range(n):
        cells.append("<td>%d</td>" % k)
    return len("".join(cells))


def main():
    parses, renders = int(sys.argv[1]), int(sys.argv[2])
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        for _ in range(parses):
            parse(2000)
        for _ in range(renders):
            render(2000)
    print("done")


if __name__ == "__main__":
    main()
