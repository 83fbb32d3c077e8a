// Tests import internal modules directly; the package entry registers the default memory plugins.
import "../../src/index.js";
