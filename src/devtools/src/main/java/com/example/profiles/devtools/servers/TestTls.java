package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway TLS identity for servers the tests start: one self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1}, made with the JDK's own {@code keytool} for this run
 * only (two days valid), in the forms the servers and clients want: a PKCS#12 key store (Kafka), PEM
 * certificate and PKCS#8 key (Redis), and a PKCS#12 trust store holding the certificate (clients).
 *
 * @param keyStore PKCS#12 with the key and certificate, alias "server"
 * @param trustStore PKCS#12 with the certificate only
 * @param certificatePem the certificate (also the CA file: it is self-signed)
 * @param privateKeyPem the key, unencrypted PKCS#8
 */
public record TestTls(Path keyStore, Path trustStore, String password, Path certificatePem, Path privateKeyPem) {

    /** Makes the identity in {@code dir}. */
    public static TestTls create(Path dir) {
        String password = "test-only-" + Long.toHexString(System.nanoTime());
        Path keyStore = dir.resolve("server.p12");
        Path trustStore = dir.resolve("trust.p12");
        Path certificate = dir.resolve("server-cert.pem");
        Path privateKey = dir.resolve("server-key.pem");
        try {
            Files.createDirectories(dir);
            for (Path old : List.of(keyStore, trustStore, certificate, privateKey)) {
                Files.deleteIfExists(old);
            }
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                    "-storepass", password, "-keypass", password);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", password, "-file",
                    certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(), "-keystore", trustStore.toString(),
                    "-storetype", "PKCS12", "-storepass", password);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, password.toCharArray());
            }
            Key key = store.getKey("server", password.toCharArray());
            Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new TestTls(keyStore, trustStore, password, certificate, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
