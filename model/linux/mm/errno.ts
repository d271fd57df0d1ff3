/** The GUP model's errno names: the shared Linux table (model/linux/errno.ts). */
export { ERRNO, errnoName, type ErrnoName } from '../errno';
