package dev.consentgate.policy;

import java.util.List;

/**
 * The decisions for one event: one per declared purpose, in declaration order.
 *
 * @param jurisdiction the jurisdiction code the decisions were judged under: the customer's recorded one
 *                     (an event's own can only have tightened it); null when unknown
 * @param decidedAt    the decision's time, epoch millis: consent was judged at it as well as at the event's time
 * @param eventReasons reasons about the event as a whole ({@link ReasonCode#NO_PURPOSE})
 */
public record EventDecision(String jurisdiction, long decidedAt, List<ReasonCode> eventReasons, List<PurposeVerdict> decisions) {

    public EventDecision {
        eventReasons = List.copyOf(eventReasons);
        decisions = List.copyOf(decisions);
    }
}
