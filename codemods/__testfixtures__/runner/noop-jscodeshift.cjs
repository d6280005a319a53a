// A plain jscodeshift transform: parse and print every file (what the speed bench compares against).
module.exports = function transform(file, api) {
  return api.jscodeshift(file.source).toSource();
};
