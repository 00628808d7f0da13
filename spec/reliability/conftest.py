"""Reliability tests: one private stack (stack.py) for the whole module run.

Run after `swift build`:  python3 -m pytest -q spec/reliability
"""
import pytest

from stack import Stack, eventually, running


@pytest.fixture(scope="session")
def stack():
    with running(Stack()) as started:
        yield started


@pytest.fixture(autouse=True)
def healthy_stack(stack):
    """Every test starts on a whole, healthy stack: one web, one resize, one store, all servers up."""
    for role in ("web", "resize", "store"):
        assert len(stack.live(role)) == 1, f"expected one live {role} process\n{stack.logs()}"
    eventually("the stack to be healthy", stack.health_ok, 90, interval=0.5)
    yield
