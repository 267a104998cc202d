package org.custos.cache;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
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

    /** Waits while the gate is shut, then counts one more connection in use. */
    synchronized void enter() {
        boolean interrupted = false;
        while (shut) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // a connection is still wanted: the interrupt is passed on below
            }
        }
        inUse++;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
        while (inUse > 0) {
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
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                if (closed.compareAndSet(false, true)) {
                    try {
                        c.close();
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
