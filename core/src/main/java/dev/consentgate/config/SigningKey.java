package dev.consentgate.config;

/**
 * The checkpoint signing key pair as read from the files {@link ConsentGateConfig#signingKeyFiles()} names: the command
 * line reads files, the topology parses them. {@code privateSource} and {@code publicSource} name the files in messages.
 */
public record SigningKey(byte[] privateKey, String privateSource, byte[] publicKey, String publicSource) {
}
