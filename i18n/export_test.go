package i18n

// Load adds translation files to the catalog, for tests of plural forms
// that must not wait for the real translations.
var Load = load
