package dev.consentgate.policy;

import java.util.List;

/**
 * The decisions for one event: one per declared purpose, in declaration order.
 *
 * @param jurisdiction the jurisdiction code the decisions were judged under; null when unknown
 * @param eventReasons reasons about the event as a whole ({@link ReasonCode#NO_PURPOSE})
 */
public record EventDecision(String jurisdiction, List<ReasonCode> eventReasons, List<PurposeDecision> decisions) {

    public EventDecision {
        eventReasons = List.copyOf(eventReasons);
        decisions = List.copyOf(decisions);
    }
}
