// The id rules of the Watson IoT dialect (protocol.md §14.1): organisation, type, device, app, event, command, format.
package io.rxiothub.watson;

/**
 * Id rules (protocol.md §14.1): an organisation id is 6 characters of {@code a-z 0-9}; every other id (device
 * type, device, application, event, command, format) is 1 to 36 characters of {@code A-Z a-z 0-9 - _ .}.
 */
public final class WatsonIds {

  /** Longest type, device, application, event, command or format id. */
  public static final int MAX_ID_LENGTH = 36;
  /** Length of an organisation id. */
  public static final int ORG_ID_LENGTH = 6;

  private WatsonIds() {}

  /** Returns whether {@code id} is 1 to 36 characters of {@code A-Z a-z 0-9 - _ .}. */
  public static boolean isValidId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether {@code orgId} is 6 characters of {@code a-z 0-9}. */
  public static boolean isValidOrgId(String orgId) {
    if (orgId == null || orgId.length() != ORG_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < orgId.length(); i++) {
      char c = orgId.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code id} if valid.
   *
   * @param field the id's name for the error message, e.g. {@code "deviceId"}
   * @throws IllegalArgumentException naming {@code field} and the rule if {@code id} breaks it
   */
  public static String requireId(String field, String id) {
    if (id == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (!isValidId(id)) {
      throw new IllegalArgumentException(field + " '" + shorten(id) + "' must be 1 to " + MAX_ID_LENGTH
          + " characters of A-Z a-z 0-9 - _ . (it has " + id.length() + ")");
    }
    return id;
  }

  /**
   * Returns {@code id} if valid or {@code "+"} (a topic filter's single-level wildcard).
   *
   * @throws IllegalArgumentException naming {@code field} and the rule otherwise
   */
  public static String requireIdOrWildcard(String field, String id) {
    if ("+".equals(id)) {
      return id;
    }
    return requireId(field, id);
  }

  /**
   * Returns {@code orgId} if valid.
   *
   * @throws IllegalArgumentException naming the rule if {@code orgId} breaks it
   */
  public static String requireOrgId(String orgId) {
    if (orgId == null) {
      throw new IllegalArgumentException("orgId must not be null");
    }
    if (!isValidOrgId(orgId)) {
      throw new IllegalArgumentException("orgId '" + shorten(orgId) + "' must be 6 characters of a-z 0-9");
    }
    return orgId;
  }

  static String shorten(String text) {
    return text.length() <= 48 ? text : text.substring(0, 45) + "...";
  }
}
