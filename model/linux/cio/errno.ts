/** The cio / vfio-ccw errno names (css §8.1, §9.2, §7.2): the shared Linux table (model/linux/errno.ts). */
export { ERRNO as E, errnoName as errName, type ErrnoName as ErrName } from '../errno';
