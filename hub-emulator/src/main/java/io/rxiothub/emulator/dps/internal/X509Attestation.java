// DPS X.509 attestation (protocol.md §15.5): which enrollment a TLS client certificate chain proves, with the time
// passed in. No I/O.
package io.rxiothub.emulator.dps.internal;

import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.emulator.internal.X509Check;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Static rules; reasons name certificates by CN and thumbprint, never key material. */
final class X509Attestation {

  private X509Attestation() {}

  /** The enrollment the chain proves, or the reason it proves none. */
  record Match(@Nullable Enrollment enrollment, String denied) {}

  /**
   * The individual X.509 enrollment of {@code registrationId} whose thumbprint the leaf has, else the first X.509
   * group whose CA certificate the chain leads to; the leaf's CN must be {@code registrationId} and it must be valid
   * at {@code now}.
   */
  static Match match(List<X509Certificate> chain, String registrationId, Map<String, Enrollment> individual,
      Collection<Enrollment> groups, Instant now) {
    X509Certificate leaf = chain.get(0);
    String cn = X509Check.commonName(leaf);
    if (!registrationId.equals(cn)) {
      return new Match(null, "the client certificate's CN '" + cn + "' is not the registration id '"
          + registrationId + "'");
    }
    String invalid = X509Check.validityProblem(leaf, now);
    if (invalid != null) {
      return new Match(null, invalid);
    }
    Enrollment own = individual.get(registrationId);
    if (own != null) {
      if (own.attestation() != Enrollment.Attestation.X509) {
        return new Match(null, "the individual enrollment of '" + registrationId + "' attests a symmetric key, not"
            + " X.509");
      }
      return X509Check.hasThumbprint(leaf, own.primaryThumbprint())
          || X509Check.hasThumbprint(leaf, own.secondaryThumbprint()) ? new Match(own, "")
          : new Match(null, "the client certificate (SHA-256 " + X509Check.sha256Thumbprint(leaf) + ") is not the"
              + " one enrolled for '" + registrationId + "'");
    }
    String lastProblem = "no X.509 enrollment group";
    for (Enrollment group : groups) {
      if (group.attestation() != Enrollment.Attestation.X509) {
        continue;
      }
      String problem = X509Check.chainProblem(chain, group.caCertificates(), now);
      if (problem == null) {
        return new Match(group, "");
      }
      lastProblem = problem;
    }
    return new Match(null, "no individual enrollment for '" + registrationId + "' and no X.509 group its chain"
        + " leads to (" + lastProblem + ")");
  }
}
