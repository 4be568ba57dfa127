// Runs in <head> before the first paint (a classic script, not a module): applies the
// remembered day/night choice so a night-duty screen never flashes white. With no choice
// made, the stylesheet follows the system's prefers-color-scheme.
(function () {
  try {
    var saved = localStorage.getItem('gridwatch.theme');
    if (saved === 'dark' || saved === 'light') document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage blocked: follow the system */ }
})();
