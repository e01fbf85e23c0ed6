package dev.consentgate.policy;

/** Answers "what consent held for this purpose at this time" for the event being decided. */
@FunctionalInterface
public interface ConsentLookup {

    ConsentAnswer at(Purpose purpose, long time);
}
