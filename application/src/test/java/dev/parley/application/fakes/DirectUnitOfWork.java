package dev.parley.application.fakes;

import dev.parley.domain.common.UnitOfWork;
import java.util.function.Supplier;

/**
 * Runs the work directly; the in-memory fakes need no transaction. Numbers the outermost units of
 * work of each thread as they start (1, 2, ...), so that a test can tell in which one something
 * happened ({@link #current()}).
 */
public final class DirectUnitOfWork implements UnitOfWork {
    private final ThreadLocal<int[]> depthAndCurrent = ThreadLocal.withInitial(() -> new int[2]);
    private int started;
    private RuntimeException lostAnswer;

    /**
     * The next outermost unit of work does its work (it stays done, as if committed) and then throws
     * {@code failure}: a commit whose answer the database connection lost.
     */
    public synchronized DirectUnitOfWork loseTheNextCommitsAnswer(RuntimeException failure) {
        this.lostAnswer = failure;
        return this;
    }

    private synchronized RuntimeException takeLostAnswer() {
        RuntimeException failure = lostAnswer;
        lostAnswer = null;
        return failure;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        int[] state = depthAndCurrent.get();
        if (state[0]++ == 0) {
            state[1] = next();
        }
        try {
            T result = work.get();
            RuntimeException lost = state[0] == 1 ? takeLostAnswer() : null;
            if (lost != null) {
                throw lost;
            }
            return result;
        } finally {
            if (--state[0] == 0) {
                state[1] = 0;
            }
        }
    }

    private synchronized int next() {
        return ++started;
    }

    /** How many units of work have begun (the number of the last one). */
    public synchronized int started() {
        return started;
    }

    /** The number of the unit of work this thread is in, or 0 outside one. */
    public int current() {
        return depthAndCurrent.get()[1];
    }
}
