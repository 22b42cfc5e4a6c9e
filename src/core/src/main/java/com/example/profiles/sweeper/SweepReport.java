package com.example.profiles.sweeper;

import java.util.Map;

/**
 * What one sweep did.
 *
 * @param ran false when another sweep held the lease, so this one did nothing
 * @param entriesTouched due-queue entries examined: the work a sweep costs
 * @param actions per queue and decision, how many entries ended that way
 * @param complete false when the batch size or time budget stopped the run with due entries left
 */
public record SweepReport(String runId, boolean ran, int entriesTouched, Map<String, Integer> actions, long durationMillis, boolean complete) {
}
