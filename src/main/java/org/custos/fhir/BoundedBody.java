package org.custos.fhir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body as it arrives and stops (cancelling the rest) as soon as it passes a limit; an announced
 * Content-Length above the limit is refused before a byte is read.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The body passed the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("response body larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private long size;

    private BoundedBody(long limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> {
            long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (announced > limit) {
                return failing(limit);
            }
            return new BoundedBody(limit);
        };
    }

    private static HttpResponse.BodySubscriber<byte[]> failing(long limit) {
        BoundedBody b = new BoundedBody(limit);
        b.result.completeExceptionally(new TooLarge(limit));
        return b;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            size += b.remaining();
            if (size > limit || size > Integer.MAX_VALUE - 16) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }
}
