/**
 * The emulator's file upload face (docs/protocol.md §16): the hub's device HTTPS endpoints that hand out blob SAS
 * URIs and take completion notifications, a built-in minimal Blob storage face, or a real storage account (Azurite)
 * to sign SAS URIs for, and the file-upload notifications a back end would receive.
 */
@NullMarked
package io.rxiothub.emulator.files;

import org.jspecify.annotations.NullMarked;
