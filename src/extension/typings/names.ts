// Names shared by the TS server plugin, the build step that packages it, and the manifest
// (package.json contributes.typescriptServerPlugins[].name must equal PLUGIN_PACKAGE).

/** The module name model files import. */
export const DSL_MODULE = 'cnn-explorer';
/** tsserver loads contributed plugins by package name from `<extension>/node_modules/<name>`. */
export const PLUGIN_PACKAGE = 'cnn-explorer-ts-plugin';
/** The DSL's bundled declarations, next to the plugin's index.js. */
export const DECLARATIONS_FILE = 'cnn-explorer.d.ts';
