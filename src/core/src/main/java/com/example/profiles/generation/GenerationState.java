package com.example.profiles.generation;

import java.util.List;
import java.util.Map;

import com.example.profiles.store.Generation;

/**
 * Where the profiles are, as the pointer in Redis says: the current generation, the next one while a
 * rebuild writes it, and the phase of the switch between them. Every instance acts on it:
 * <ul>
 * <li>{@link Phase#IDLE}: one generation; events and reads go to it.</li>
 * <li>{@link Phase#BUILDING}: a rebuild replays the retained history into the next generation;
 * events and reads still go to the current one only (the rebuild reads the live events from the
 * topics too, so the next one catches up and stays current).</li>
 * <li>{@link Phase#DUAL}: every event is applied to the next generation, then to the current one,
 * so whatever a reader finds in the current one is in the next one too; reads go to the current
 * one, except for a profile a reader of the next one has already been served.</li>
 * <li>{@link Phase#SWITCHED}: events and reads go to the next generation; the first read of a
 * profile there marks its current-generation copy retired, so a reader still in DUAL is sent to the
 * next one as well: once any reader saw a profile from the next generation, nobody sees the older.</li>
 * </ul>
 * Then the next generation becomes the current one (IDLE again) and the old one is removed.
 */
public record GenerationState(Generation current, Generation next, Phase phase, long version) {

    public enum Phase {
        IDLE, BUILDING, DUAL, SWITCHED
    }

    /** A store that has never been rebuilt: the first generation, plain key names. */
    public static final GenerationState INITIAL = new GenerationState(Generation.FIRST, null, Phase.IDLE, 0);

    public GenerationState {
        if (phase != Phase.IDLE && next == null) {
            throw new IllegalArgumentException("phase " + phase + " needs a next generation");
        }
    }

    /** The generations an event is applied to, in order; the last answers (its result is the event's). */
    public List<Generation> writes() {
        return switch (phase) {
            case IDLE, BUILDING -> List.of(current);
            case DUAL -> List.of(next, current);
            case SWITCHED -> List.of(next);
        };
    }

    /** The generation readers are served from (DUAL: unless the profile there is retired). */
    public Generation serving() {
        return phase == Phase.SWITCHED ? next : current;
    }

    /** The generations the sweeper keeps (the next one from the start of its rebuild: it ages like the current). */
    public List<Generation> swept() {
        return switch (phase) {
            case IDLE -> List.of(current);
            case BUILDING, DUAL -> List.of(current, next);
            case SWITCHED -> List.of(next);
        };
    }

    /** The pointer's hash fields. */
    Map<String, String> fields() {
        return Map.of("current", Long.toString(current.number()), "next", next == null ? "" : Long.toString(next.number()), "phase",
                phase.name(), "version", Long.toString(version));
    }

    /** The state a pointer hash holds; {@link #INITIAL} for none. */
    static GenerationState of(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return INITIAL;
        }
        String next = fields.getOrDefault("next", "");
        return new GenerationState(new Generation(Long.parseLong(fields.getOrDefault("current", "0"))),
                next.isEmpty() ? null : new Generation(Long.parseLong(next)), Phase.valueOf(fields.getOrDefault("phase", "IDLE")),
                Long.parseLong(fields.getOrDefault("version", "0")));
    }

    @Override
    public String toString() {
        return phase == Phase.IDLE ? current + " (version " + version + ")" : current + ", " + next + " " + phase + " (version " + version + ")";
    }
}
