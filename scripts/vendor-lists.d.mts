/** A vendor folder: one holding `vendor.ts`, and `setup.ts` when the vendor writes files before its CLI starts. */
export interface VendorFolder {
  readonly name: string;
  readonly hasSetup: boolean;
}

export function vendorFolders(root: string): VendorFolder[];
export function vendorListModule(folders: readonly VendorFolder[]): string;
export function setupListModule(folders: readonly VendorFolder[]): string;
/** `src/vendors/vendor-list.ts` and `src/vendors/setup-list.ts`, by path relative to `root`. */
export function vendorLists(root: string): Record<string, string>;
