/** QEMU's main-loop thread (eventfd handlers), next to the guest CPU (1) and host kernel (2). */
export const QEMU_THREAD = 3;
