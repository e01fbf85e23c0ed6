package dev.consentgate.policy;

/**
 * Encrypts one field's text for one output record: bound to the record's customer (whose data key it uses) and purpose
 * topic. Made per record, so the data key is looked up only for records that encrypt something.
 */
@FunctionalInterface
public interface FieldEncrypter {

    /** Used where a purpose encrypts nothing: asking it to encrypt is a bug in the plan. */
    FieldEncrypter NONE = (field, text) -> {
        throw new IllegalStateException("no data key for field " + field + ": the record's purpose encrypts nothing");
    };

    /** The ciphertext of {@code text}, the value of the field at dotted path {@code field}. */
    String encrypt(String field, String text);
}
