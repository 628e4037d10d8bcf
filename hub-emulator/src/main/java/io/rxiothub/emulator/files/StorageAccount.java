// A Blob storage account the emulator signs SAS URIs for: Azurite or a real Azure account.
package io.rxiothub.emulator.files;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An account name, its key (a secret, never shown by {@link #toString()}), its Blob endpoint and the container
 * uploads go to. The endpoint must be HTTPS (the device SDKs build {@code https://} URIs from the host name the hub
 * hands out): {@code https://{account}.blob.core.windows.net} or Azurite's path style
 * {@code https://127.0.0.1:{port}/devstoreaccount1}.
 */
public final class StorageAccount {

  /** Azurite's well-known development account name. */
  public static final String AZURITE_ACCOUNT = "devstoreaccount1";

  /** Azurite's well-known development account key (public, documented by Microsoft; not a secret). */
  public static final String AZURITE_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final String accountName;
  private final String accountKey;
  private final URI blobEndpoint;
  private final String container;

  private StorageAccount(String accountName, String accountKey, URI blobEndpoint, String container) {
    this.accountName = accountName;
    this.accountKey = accountKey;
    this.blobEndpoint = blobEndpoint;
    this.container = container;
  }

  /**
   * An account.
   *
   * @throws IllegalArgumentException if the name is not 3..24 lower-case letters and digits, the key is not
   *     Base64, the endpoint is not an https URI without query, or the container name breaks storage's rules
   *     (3..63 lower-case letters, digits and single dashes, starting and ending with a letter or digit)
   */
  public static StorageAccount of(String accountName, String accountKey, URI blobEndpoint, String container) {
    if (accountName == null || !accountName.matches("[a-z0-9]{3,24}")) {
      throw new IllegalArgumentException("accountName must be 3..24 lower-case letters and digits");
    }
    if (accountKey == null) {
      throw new IllegalArgumentException("accountKey must not be null");
    }
    try {
      Base64.getDecoder().decode(accountKey);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("accountKey must be Base64 (the account's access key)");
    }
    if (blobEndpoint == null || !"https".equals(blobEndpoint.getScheme()) || blobEndpoint.getHost() == null
        || blobEndpoint.getQuery() != null) {
      throw new IllegalArgumentException("blobEndpoint must be an https URI without query, e.g."
          + " https://127.0.0.1:10000/devstoreaccount1 (device SDKs always use https)");
    }
    if (container == null || !container.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
      throw new IllegalArgumentException("container must be 3..63 lower-case letters, digits and single dashes,"
          + " starting and ending with a letter or digit");
    }
    return new StorageAccount(accountName, accountKey, blobEndpoint, container);
  }

  /** Azurite's development account at {@code https://127.0.0.1:{port}/devstoreaccount1}, container {@code container}. */
  public static StorageAccount azurite(int port, String container) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
    return of(AZURITE_ACCOUNT, AZURITE_KEY, URI.create("https://127.0.0.1:" + port + "/" + AZURITE_ACCOUNT),
        container);
  }

  /** The account name. */
  public String accountName() {
    return accountName;
  }

  /** The account key (a secret). */
  public String accountKey() {
    return accountKey;
  }

  /** The Blob endpoint. */
  public URI blobEndpoint() {
    return blobEndpoint;
  }

  /** The container uploads go to. */
  public String container() {
    return container;
  }

  /** The host name the hub hands out: the endpoint's authority and path, e.g. {@code 127.0.0.1:10000/devstoreaccount1}. */
  public String hostName() {
    String path = blobEndpoint.getRawPath() == null ? "" : blobEndpoint.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return blobEndpoint.getRawAuthority().toLowerCase(Locale.ROOT) + path;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StorageAccount)) {
      return false;
    }
    StorageAccount other = (StorageAccount) o;
    return accountName.equals(other.accountName) && accountKey.equals(other.accountKey)
        && blobEndpoint.equals(other.blobEndpoint) && container.equals(other.container);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accountName, accountKey, blobEndpoint, container);
  }

  @Override
  public String toString() {
    return "StorageAccount{" + accountName + " at " + blobEndpoint + ", container=" + container + ", key=***}";
  }
}
