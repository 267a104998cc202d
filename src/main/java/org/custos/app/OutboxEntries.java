package org.custos.app;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.consent.OutboxViewModel;
import org.custos.fhir.Cancellation;
import org.custos.sync.ConsentSaver;
import org.custos.sync.OutboxSender;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The "Outbox…" window's entries: the cache's outbox and the saver, adapted to {@link OutboxViewModel.Entries}. */
final class OutboxEntries implements OutboxViewModel.Entries {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Cache cache;
    private final ConsentSaver saver;
    private final ZoneId zone;

    OutboxEntries(Cache cache, ConsentSaver saver, ZoneId zone) {
        this.cache = cache;
        this.saver = saver;
        this.zone = zone;
    }

    @Override
    public List<OutboxViewModel.Item> list() {
        return cache.outbox().unsent().stream().map(this::item).toList();
    }

    private OutboxViewModel.Item item(OutboxStore.Entry e) {
        OutboxViewModel.State state = switch (e.status()) {
            case SENDING -> OutboxViewModel.State.SENDING;
            case CONFLICT -> OutboxViewModel.State.CONFLICT;
            case FAILED -> OutboxViewModel.State.FAILED;
            default -> OutboxViewModel.State.WAITING;
        };
        String base = e.baseSeq() != null ? "after #" + e.baseSeq() : e.baseVersion() == null ? "new"
                : e.baseVersion();
        return new OutboxViewModel.Item(e.seq(), e.origin(), e.resource(), state, base,
                MINUTE.format(Instant.ofEpochMilli(e.createdAt()).atZone(zone)),
                e.lastMessage() == null ? "" : e.lastMessage(), e.json());
    }

    @Override
    public void retry(long seq) {
        saver.retry(seq);
    }

    @Override
    public void discard(long seq) {
        saver.discard(seq);
    }

    @Override
    public void giveUp(long seq) {
        saver.giveUp(seq);
    }

    @Override
    public String sendAll(org.custos.ui.TaskRunner.Progress progress) {
        Cancellation cancel = new Cancellation();
        progress.onCancel(cancel::cancel);
        List<OutboxSender.Report> reports = saver.sendAll(cancel);
        return reports.stream().map(r -> r.origin() + ": " + r.summary()).reduce((a, b) -> a + "; " + b)
                .orElse("");
    }
}
