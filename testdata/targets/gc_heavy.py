"""A garbage-collector heavy target: builds large trees whose nodes point back at their parents (reference cycles)
and collects them explicitly."""
import gc


class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def make_garbage(count):
    root = Node()
    for _ in range(count):
        Node(root)


def run():
    for _ in range(6):
        make_garbage(60000)
        gc.collect()


run()
