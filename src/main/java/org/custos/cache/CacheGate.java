package org.custos.cache;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the cache's connections in use, so that the open cache's file can be rewritten in place (compacted after an
 * import or a sync) while no one reads or writes it. The gate shuts only at a moment when no connection is in use —
 * it never makes a new connection wait for one in use, so a thread that holds one and asks for another cannot
 * deadlock against it — and while it is shut, new connections wait until it opens again.
 */
final class CacheGate {
    private int inUse;
    private boolean shut;

    /**
     * Waits while the gate is shut, then counts one more connection in use.
     *
     * @throws SQLException interrupted while waiting (no connection is handed to an interrupted thread: H2's file
     *                      channel would close under it)
     */
    synchronized void enter() throws SQLException {
        while (shut) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while the cache was being compacted", e);
            }
        }
        inUse++;
    }

    synchronized void leave() {
        inUse--;
        notifyAll();
    }

    /**
     * Shuts the gate as soon as no connection is in use, waiting at most {@code waitMillis}; returns whether it shut.
     * Connections are handed out meanwhile as usual.
     */
    synchronized boolean shutWhenIdle(long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (inUse > 0 || shut) { // shut: another compaction holds it; this one waits its turn
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        shut = true;
        return true;
    }

    synchronized void open() {
        shut = false;
        notifyAll();
    }

    synchronized int inUse() {
        return inUse;
    }

    /** {@code c}, counted until it is closed (once, whatever thread closes it). */
    Connection counted(Connection c) {
        AtomicBoolean closed = new AtomicBoolean();
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "counted " + c;
                default:
                    break;
            }
            boolean closing = method.getName().equals("close") && method.getParameterCount() == 0;
            boolean aborting = method.getName().equals("abort");
            if (closing || aborting) {
                if (closed.compareAndSet(false, true)) {
                    try {
                        if (aborting) {
                            method.invoke(c, args);
                        } else {
                            c.close();
                        }
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        leave();
                    }
                }
                return null;
            }
            try {
                return method.invoke(c, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                h);
    }
}
