""" "Dine opplysninger" (/personvern/mine-opplysninger/): a person sees, downloads,
withdraws and erases their own data, through a single-use link e-mailed to them."""
